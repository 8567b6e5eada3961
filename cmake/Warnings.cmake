# Warnings for our own code; third-party headers come in as SYSTEM includes.
add_library(gw_warnings INTERFACE)
target_compile_options(gw_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  $<$<BOOL:${GW_WERROR}>:-Werror>)

add_library(gw_sanitize INTERFACE)
if(GW_SANITIZE)
  target_compile_options(gw_sanitize INTERFACE -fsanitize=address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(gw_sanitize INTERFACE -fsanitize=address,undefined)
endif()
if(GW_FUZZ)
  # Everything is instrumented for coverage so libFuzzer sees into libcore.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
