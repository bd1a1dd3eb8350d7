# Every third-party dependency, found once. All are Debian 12 packages (deploy/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
pkg_check_modules(LIBEVENT REQUIRED IMPORTED_TARGET libevent_core libevent_extra libevent_openssl libevent_pthreads)
# hiredis 0.14 (async API + libevent adapter header); pkg-config only.
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
find_package(yaml-cpp REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(GTest REQUIRED)
if(METROGW_BENCH)
  find_package(benchmark REQUIRED)
endif()

find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h REQUIRED)
find_library(HTTP_PARSER_LIBRARY NAMES http_parser REQUIRED)
add_library(http_parser::http_parser UNKNOWN IMPORTED)
set_target_properties(http_parser::http_parser PROPERTIES
  IMPORTED_LOCATION ${HTTP_PARSER_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${HTTP_PARSER_INCLUDE_DIR})

# Canonical model (FlatBuffers), dialect codecs (RapidJSON for FHIR JSON, pugixml for HL7 v3/CDA).
find_package(FlatBuffers CONFIG REQUIRED)
find_package(RapidJSON CONFIG REQUIRED)
add_library(rapidjson::rapidjson INTERFACE IMPORTED)
set_target_properties(rapidjson::rapidjson PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${RAPIDJSON_INCLUDE_DIRS}"
  INTERFACE_COMPILE_DEFINITIONS "RAPIDJSON_HAS_STDSTRING=1")
find_package(pugixml CONFIG REQUIRED)
