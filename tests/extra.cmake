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

# libFuzzer targets of the IDX, safetensors and CSV readers (clang builds with XGRAD_FUZZ=ON).
if(XGRAD_FUZZ)
  add_subdirectory(fuzz)
endif()

# Crash safety: 50 SIGKILLs of a process saving checkpoints in a loop; the checkpoint always loads
# and holds one whole state.
add_executable(xgrad_crash_helper crash_helper.cpp)
target_link_libraries(xgrad_crash_helper PRIVATE xgrad::xgrad)
add_test(NAME checkpoint_sigkill COMMAND xgrad_crash_helper check 50)
set_tests_properties(checkpoint_sigkill PROPERTIES LABELS unit TIMEOUT 120)
