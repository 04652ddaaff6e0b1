# ctest docs_snippets: docs/architecture.md quotes tests/snippets/custom_op.hpp (compiled and
# gradchecked by tests/test_custom_op.cpp) verbatim, so the documented op is the tested one.
#   cmake -DROOT=<source dir> -P tests/docs_snippets.cmake
file(READ ${ROOT}/tests/snippets/custom_op.hpp snippet)
file(READ ${ROOT}/docs/architecture.md page)
string(FIND "${page}" "${snippet}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "docs/architecture.md does not quote tests/snippets/custom_op.hpp verbatim: "
                      "copy the file into the page's code block")
endif()
