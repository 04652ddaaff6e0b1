# ctest driver: install xgrad into a scratch prefix, then build tests/consumer against it with
# find_package(xgrad) as a user would, twice:
#  - plain, with find_package(MPI) disabled (so the package must not look for MPI) and checking
#    that none of xgrad's optimisation flags (-march=native) reached the consumer's compile lines;
#  - with COMPONENTS mpi, when xgrad has it (-DHAS_MPI=ON), running the data-parallel program under
#    MPIEXEC.
#  - with COMPONENTS onnx, when xgrad has it (-DHAS_ONNX=ON), exporting a model.
# -DBUILD_DIR=<xgrad build> -DSOURCE_DIR=<tests/consumer> -DWORK_DIR=<scratch> [-DHAS_MPI=ON
# -DMPIEXEC=<launcher;-n;2;...>] [-DHAS_ONNX=ON]
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "consumer step failed (${status}): ${command}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)

run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/plain -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
    -DCMAKE_DISABLE_FIND_PACKAGE_MPI=ON)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/plain)
file(READ ${WORK_DIR}/plain/compile_commands.json commands)
if(commands MATCHES "-march|-mtune|-ffp-contract")
  message(FATAL_ERROR "xgrad's optimisation flags reached the consumer:\n${commands}")
endif()
run(${WORK_DIR}/plain/consumer)

if(HAS_MPI)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/mpi -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
      -DCMAKE_BUILD_TYPE=Release -DXGRAD_CONSUMER_MPI=ON)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/mpi)
  run(${MPIEXEC} ${WORK_DIR}/mpi/consumer_mpi)
endif()

if(HAS_ONNX)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/onnx -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
      -DCMAKE_BUILD_TYPE=Release -DXGRAD_CONSUMER_ONNX=ON)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/onnx)
  run(${WORK_DIR}/onnx/consumer_onnx ${WORK_DIR}/onnx/linear.onnx)
endif()
