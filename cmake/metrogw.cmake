# Helpers that declare every library, test and benchmark the same way (cf. absl_cc_library).
#
#   metrogw_cc_library(NAME gateway SRCS a.cc b.cc DEPS metrogw::common)
#     -> target metrogw_gateway, alias metrogw::gateway, include root = repository root.
#   metrogw_cc_test(NAME config_test SRCS config_test.cc DEPS metrogw::config)
#     -> gtest binary registered with CTest (label "unit").

function(metrogw_cc_library)
  cmake_parse_arguments(L "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(metrogw_${L_NAME} STATIC ${L_SRCS})
  add_library(metrogw::${L_NAME} ALIAS metrogw_${L_NAME})
  target_include_directories(metrogw_${L_NAME} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
  target_link_libraries(metrogw_${L_NAME} PUBLIC ${L_DEPS} PRIVATE ${L_PRIVATE_DEPS})
endfunction()

function(metrogw_cc_test)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 120)
endfunction()

function(metrogw_cc_benchmark)
  cmake_parse_arguments(B "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT METROGW_BENCH)
    return()
  endif()
  add_executable(${B_NAME} ${B_SRCS})
  target_link_libraries(${B_NAME} PRIVATE ${B_DEPS} benchmark::benchmark)
endfunction()

# A libFuzzer target; only built with -DMETROGW_FUZZ=ON and clang.
function(metrogw_fuzz_target)
  cmake_parse_arguments(F "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${F_NAME} ${F_SRCS})
  target_compile_options(${F_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${F_NAME} PRIVATE ${F_DEPS})
endfunction()

# metrogw_embed_files(OUT file.cc SYMBOL kName FILES a.tsv b.tsv): generate a .cc holding the files
# (passed to the script "|"-separated) as an array of metrogw::EmbeddedFile (common/embedded.h), regenerated when any of them changes.
function(metrogw_embed_files)
  cmake_parse_arguments(E "" "OUT;SYMBOL" "FILES" ${ARGN})
  string(REPLACE ";" "|" files_arg "${E_FILES}")
  add_custom_command(
    OUTPUT ${E_OUT}
    COMMAND ${CMAKE_COMMAND} -DOUT=${E_OUT} -DSYMBOL=${E_SYMBOL} "-DFILES=${files_arg}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "embed: ${E_SYMBOL}"
    VERBATIM)
endfunction()
