# Data-parallel tests, run under mpirun with 2 ranks (label mpi; included by tests/CMakeLists.txt
# when xgrad has its MPI component). Each takes a few seconds.

# After K steps the replicas are identical bit for bit and equal to one process trained on the
# combined batches (1e-5 relative in float32, 1e-12 in float64).
add_executable(xgrad_mpi_equivalence ${CMAKE_CURRENT_LIST_DIR}/equivalence.cpp)
target_link_libraries(xgrad_mpi_equivalence PRIVATE xgrad::distributed)
add_test(NAME mpi_equivalence COMMAND ${XGRAD_MPIEXEC} $<TARGET_FILE:xgrad_mpi_equivalence>)
set_tests_properties(mpi_equivalence PROPERTIES LABELS mpi TIMEOUT 120)
# Three ranks: a world that is not a power of two, two ranks without examples in a last batch.
add_test(NAME mpi_equivalence_3_ranks
  COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} 3 ${XGRAD_MPIEXEC_FLAGS}
          $<TARGET_FILE:xgrad_mpi_equivalence>)
set_tests_properties(mpi_equivalence_3_ranks PROPERTIES LABELS mpi TIMEOUT 120)

# A rank that throws, exits or aborts mid-training stops the whole job, non-zero, with a message.
add_executable(xgrad_mpi_fault ${CMAKE_CURRENT_LIST_DIR}/fault.cpp)
target_link_libraries(xgrad_mpi_fault PRIVATE xgrad::distributed)
set(faults none throw caught)
if(XGRAD_OPEN_MPI)  # the checks of these two read Open MPI's report of the lost process
  list(APPEND faults exit abort)
endif()
foreach(fault ${faults})
  add_test(NAME mpi_fault_${fault}
    COMMAND ${CMAKE_COMMAND} "-DMPIEXEC=${XGRAD_MPIEXEC}" -DPROGRAM=$<TARGET_FILE:xgrad_mpi_fault>
            -DFAULT=${fault} -P ${CMAKE_CURRENT_LIST_DIR}/expect_fault.cmake)
  set_tests_properties(mpi_fault_${fault} PROPERTIES LABELS mpi TIMEOUT 120)
endforeach()

# Not a test: the cost of one gradient allreduce of fashion_mnist's MLP (docs/performance.md).
# Built on demand: cmake --build build --target xgrad_mpi_allreduce_bench
add_executable(xgrad_mpi_allreduce_bench EXCLUDE_FROM_ALL ${CMAKE_CURRENT_LIST_DIR}/allreduce_bench.cpp)
target_link_libraries(xgrad_mpi_allreduce_bench PRIVATE xgrad::distributed)
