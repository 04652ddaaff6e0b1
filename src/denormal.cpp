#include "xgrad/denormal.hpp"

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace xgrad {

bool set_flush_denormal(bool enabled) {
#if defined(__SSE__)
    constexpr unsigned kFlushToZero = 0x8000;       // MXCSR bit 15: results that underflow become 0
    constexpr unsigned kDenormalsAreZero = 0x0040;  // MXCSR bit 6: denormal inputs read as 0
    const unsigned mode = kFlushToZero | kDenormalsAreZero;
    const unsigned csr = _mm_getcsr();
    _mm_setcsr(enabled ? (csr | mode) : (csr & ~mode));
    return true;
#else
    (void)enabled;
    return false;
#endif
}

}  // namespace xgrad
