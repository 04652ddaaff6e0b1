# Extra test programs of the nn / data / io areas (included by tests/CMakeLists.txt).

# Exact resume across processes: train, checkpoint, restore in a fresh process, compare bits.
add_executable(xgrad_resume_helper resume_helper.cpp)
target_link_libraries(xgrad_resume_helper PRIVATE xgrad::xgrad)
add_test(NAME checkpoint_fresh_process COMMAND xgrad_resume_helper check)
set_tests_properties(checkpoint_fresh_process PROPERTIES LABELS unit)

# Peak RSS of streaming IDX files of n and 10 n images (fails unless memory stays flat).
add_executable(xgrad_idx_rss ${CMAKE_CURRENT_SOURCE_DIR}/../bench/idx_stream_rss.cpp)
target_link_libraries(xgrad_idx_rss PRIVATE xgrad::xgrad)
add_test(NAME data_stream_rss COMMAND xgrad_idx_rss --check)
set_tests_properties(data_stream_rss PROPERTIES LABELS slow TIMEOUT 600)

# libFuzzer targets of the IDX, safetensors, CSV and PyTorch state_dict readers (clang builds with XGRAD_FUZZ=ON).
if(XGRAD_FUZZ)
  add_subdirectory(fuzz)
endif()

# Crash safety: 50 SIGKILLs of a process saving checkpoints in a loop; the checkpoint always loads
# and holds one whole state.
add_executable(xgrad_crash_helper crash_helper.cpp)
target_link_libraries(xgrad_crash_helper PRIVATE xgrad::xgrad)
add_test(NAME checkpoint_sigkill COMMAND xgrad_crash_helper check 50)
set_tests_properties(checkpoint_sigkill PROPERTIES LABELS unit TIMEOUT 120)

# PyTorch state_dicts both ways, against Debian's python3-torch (tests/torch/).
add_executable(xgrad_torch_interop torch/torch_interop.cpp)
target_link_libraries(xgrad_torch_interop PRIVATE xgrad::xgrad Boost::unit_test_framework
                                                  nlohmann_json::nlohmann_json)
target_compile_definitions(xgrad_torch_interop PRIVATE BOOST_TEST_DYN_LINK)
target_include_directories(xgrad_torch_interop PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
set(XGRAD_TORCH_PYTHON /usr/bin/python3 CACHE FILEPATH "The Python with torch for the interop tests")
add_test(NAME torch_interop
  COMMAND ${CMAKE_COMMAND} -DPYTHON=${XGRAD_TORCH_PYTHON}
          -DSCRIPT=${CMAKE_CURRENT_SOURCE_DIR}/torch/torch_interop.py
          -DPROGRAM=$<TARGET_FILE:xgrad_torch_interop> -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/torch
          -P ${CMAKE_CURRENT_SOURCE_DIR}/torch/run.cmake)
set_tests_properties(torch_interop PROPERTIES LABELS torch TIMEOUT 300)
