# Makes TO a copy of FROM: copies new and changed files, and removes files that
# are no longer in FROM (a module deleted or renamed in shim-js/src must not live
# on in the staged site, where a page could still load it and hide the mistake).
cmake_policy(SET CMP0057 NEW)
file(GLOB_RECURSE wanted RELATIVE "${FROM}" "${FROM}/*")
file(GLOB_RECURSE staged RELATIVE "${TO}" "${TO}/*")
foreach(name IN LISTS wanted)
  get_filename_component(dir "${TO}/${name}" DIRECTORY)
  file(COPY "${FROM}/${name}" DESTINATION "${dir}")
endforeach()
foreach(name IN LISTS staged)
  if(NOT name IN_LIST wanted)
    file(REMOVE "${TO}/${name}")
  endif()
endforeach()
