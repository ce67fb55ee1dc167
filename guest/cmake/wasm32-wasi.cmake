# CMake toolchain file: build C programs for wasm32-wasi against Debian's
# wasi-libc, with the sockbridge guest headers on the include path.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=<sockbridge>/guest/cmake/wasm32-wasi.cmake ...
#
# Needs: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32
set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_VERSION 1)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}")

set(SOCKBRIDGE_WASI_SYSROOT "/usr" CACHE PATH "Root holding include/wasm32-wasi and lib/wasm32-wasi")
set(CMAKE_C_COMPILER clang)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
set(CMAKE_SYSROOT "${SOCKBRIDGE_WASI_SYSROOT}")
find_program(CMAKE_AR NAMES llvm-ar llvm-ar-14 REQUIRED)
find_program(CMAKE_RANLIB NAMES llvm-ranlib llvm-ranlib-14 REQUIRED)

# Compiler checks cannot run wasm binaries; compile a library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# The import ABI header, for programs written against posix_sockets.h.
include_directories(SYSTEM "${CMAKE_CURRENT_LIST_DIR}/../include")
