# Shared build settings: warnings, sanitizers, ccache, and helpers that add test binaries.

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  # The fuzz preset's flags name fuzz/coverage-ignorelist.txt, which ccache would not look at:
  # hash it into every key, and have ninja rebuild everything when it changes.
  if(CMAKE_CXX_FLAGS MATCHES "sanitize-coverage-ignorelist")
    set(_orrery_ignorelist ${CMAKE_SOURCE_DIR}/fuzz/coverage-ignorelist.txt)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_orrery_ignorelist})
    file(MD5 ${_orrery_ignorelist} _orrery_ignorelist_md5)
    add_compile_definitions(ORRERY_COVERAGE_IGNORELIST_MD5=${_orrery_ignorelist_md5})
    set(CMAKE_C_COMPILER_LAUNCHER env CCACHE_EXTRAFILES=${_orrery_ignorelist} ${CCACHE_PROGRAM})
    set(CMAKE_CXX_COMPILER_LAUNCHER env CCACHE_EXTRAFILES=${_orrery_ignorelist} ${CCACHE_PROGRAM})
  endif()
endif()

set(ORRERY_IS_CLANG OFF)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(ORRERY_IS_CLANG ON)
endif()

# Sanitizers apply to everything in the process (gtest included) so that reports are complete.
# ORRERY_SANITIZER=address brings UBSan along unless ORRERY_UBSAN is OFF: the fuzz and afl
# presets are ASan-only and UBSan gets a fuzzing build of its own (fuzz-ubsan), as OSS-Fuzz
# builds one target per sanitizer (UBSan's checks cost the syscall fuzzer 40 % of its speed).
option(ORRERY_UBSAN "with ORRERY_SANITIZER=address: UBSan as well" ON)
set(ORRERY_UBSAN_ON OFF)  # UBSan in the build: targets whose code lacks RTTI drop its vptr check
if(ORRERY_SANITIZER STREQUAL "address")
  add_compile_options(-fsanitize=address -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address)
  add_compile_definitions(ORRERY_ASAN=1)
  set(ORRERY_UBSAN_ON ${ORRERY_UBSAN})
elseif(ORRERY_SANITIZER STREQUAL "undefined")
  add_compile_options(-fno-omit-frame-pointer)
  set(ORRERY_UBSAN_ON ON)
elseif(ORRERY_SANITIZER STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  add_compile_definitions(ORRERY_TSAN=1)
elseif(NOT ORRERY_SANITIZER STREQUAL "none")
  message(FATAL_ERROR "ORRERY_SANITIZER must be address, undefined, thread or none")
elseif(CMAKE_CXX_FLAGS MATCHES "-fsanitize=([^ ]*,)?address")
  # Sanitizer flags from outside (OSS-Fuzz's $CXXFLAGS): fiber switches and frame poisoning
  # still need to tell ASan about themselves.
  add_compile_definitions(ORRERY_ASAN=1)
elseif(CMAKE_CXX_FLAGS MATCHES "-fsanitize=([^ ]*,)?thread")
  add_compile_definitions(ORRERY_TSAN=1)
endif()
if(ORRERY_UBSAN_ON)
  add_compile_options(-fsanitize=undefined -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=undefined)
endif()

if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  add_compile_definitions(ORRERY_DEBUG=1)
endif()
add_compile_options(-g)

# Flags for ostd/ and kernel/: the kernel dialect (no exceptions, no RTTI, warnings are errors).
set(ORRERY_KERNEL_FLAGS -Wall -Wextra -Werror -Wno-unused-parameter -fno-exceptions -fno-rtti)
if(ORRERY_IS_CLANG)
  list(APPEND ORRERY_KERNEL_FLAGS -Wthread-safety -Wno-gnu-statement-expression)
endif()

if(ORRERY_BACKEND STREQUAL "baremetal-x86_64")
  include(Baremetal)  # freestanding flags for everything; no gtest
  return()
endif()
find_package(GTest REQUIRED)
include(GoogleTest)

# orrery_add_test(<name> SOURCES ... LIBS ...): one gtest binary, each TEST registered with ctest.
function(orrery_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  set(labels ${T_LABELS})
  if(NOT labels)
    set(labels unit)
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${labels}" TIMEOUT 300)
endfunction()
