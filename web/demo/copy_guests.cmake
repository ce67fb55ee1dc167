# Copies every built guest (*.wasm) from FROM to TO.
file(GLOB guests "${FROM}/*.wasm")
file(COPY ${guests} DESTINATION "${TO}")
