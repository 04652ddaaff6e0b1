# ctest test torch_interop (label torch): Python torch writes, xgrad reads and writes, Python
# torch reads and re-saves, xgrad compares. Arguments: -DPYTHON=... -DSCRIPT=... -DPROGRAM=...
# -DWORK_DIR=...  Fails, saying what to install, when Python's torch is missing.
execute_process(COMMAND ${PYTHON} -c "import torch" RESULT_VARIABLE missing ERROR_QUIET)
if(missing)
  message(FATAL_ERROR "${PYTHON} cannot import torch: install Debian's python3-torch "
                      "(apt-get install python3-torch, as .ci/install-deps does)")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(ENV{XGRAD_TORCH_DIR} ${WORK_DIR})
function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "failed: ${ARGN}")
  endif()
endfunction()
step(${PYTHON} ${SCRIPT} write ${WORK_DIR})
step(${PROGRAM} --run_test=from_torch --log_level=message)
step(${PYTHON} ${SCRIPT} check ${WORK_DIR})
step(${PROGRAM} --run_test=back_from_torch --log_level=message)
