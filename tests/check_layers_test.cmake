# ctest layer_check: the layer check passes on the tree, and fails, naming the file and the
# header, on a copy of the tree with one include that runs up the layers.
#   cmake -DROOT=<source dir> -DWORK=<scratch dir> -P tests/check_layers_test.cmake
execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${ROOT} -P ${ROOT}/src/check_layers.cmake
                RESULT_VARIABLE clean_result ERROR_VARIABLE clean_error)
if(NOT clean_result EQUAL 0)
  message(FATAL_ERROR "the layer check fails on the tree itself:\n${clean_error}")
endif()

file(REMOVE_RECURSE ${WORK})
file(COPY ${ROOT}/include ${ROOT}/src DESTINATION ${WORK})
file(COPY ${ROOT}/src/check_layers.cmake DESTINATION ${WORK}/src)
# ops may not see nn: a deliberate include from an op up into the module layer.
file(READ ${WORK}/src/ops/shape.cpp text)
file(WRITE ${WORK}/src/ops/shape.cpp "#include \"xgrad/nn/module.hpp\"\n${text}")
execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${WORK} -P ${WORK}/src/check_layers.cmake
                RESULT_VARIABLE bad_result ERROR_VARIABLE bad_error)
if(bad_result EQUAL 0)
  message(FATAL_ERROR "the layer check passed a tree where src/ops/shape.cpp includes xgrad/nn/module.hpp")
endif()
if(NOT bad_error MATCHES "src/ops/shape.cpp \\(ops\\): includes xgrad/nn/module.hpp, a header of nn")
  message(FATAL_ERROR "the layer check failed without naming the wrong include:\n${bad_error}")
endif()
file(REMOVE_RECURSE ${WORK})
message(STATUS "layer check: clean tree passes, a wrong include fails and is named")
