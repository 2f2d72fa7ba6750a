# evb_mechanism_sources(VAR): the mechanism files of the driver in the
# current source directory, read from its mechanisms.h, whose list (one
# "X(m)" line per mechanism) also makes the driver's registry: each m names
# m.c.  A mechanism is its file plus its line there, nothing else.
function(evb_mechanism_sources out)
  set(header ${CMAKE_CURRENT_SOURCE_DIR}/mechanisms.h)
  file(READ ${header} text)
  # a list line starts with blanks then X(m); the continuation backslash
  # after it is not part of the name
  string(REGEX MATCHALL "\n[ \t]+X\\([a-z0-9_]+\\)" entries "${text}")
  set(files)
  foreach(entry ${entries})
    string(REGEX REPLACE ".*X\\(([a-z0-9_]+)\\)" "\\1.c" file "${entry}")
    list(APPEND files ${file})
  endforeach()
  if(NOT files)
    message(FATAL_ERROR "${header}: no X(mechanism) lines")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${header})
  set(${out} ${files} PARENT_SCOPE)
endfunction()
