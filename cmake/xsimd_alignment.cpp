// Configure-time probe (CMakeLists.txt): the alignment xsimd picks for the instruction set this
// compiler targets, which is the N of xtensor's xsimd::aligned_allocator<T, N>.
#include <cstdio>
#include <xsimd/xsimd.hpp>

int main() {
    std::printf("%d", static_cast<int>(xsimd::default_arch::alignment()));
    return 0;
}
