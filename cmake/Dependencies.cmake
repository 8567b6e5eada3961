# Third-party packages, all from Debian 12 (design brief §9).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS json)
find_package(CLI11 CONFIG REQUIRED)
pkg_check_modules(NICE REQUIRED IMPORTED_TARGET nice)
pkg_check_modules(SRTP2 REQUIRED IMPORTED_TARGET libsrtp2)
pkg_check_modules(SOFIA REQUIRED IMPORTED_TARGET sofia-sip-ua sofia-sip-ua-glib)
