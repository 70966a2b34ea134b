/** The example as a named module: on the module path weft is the module dev.weft. */
module example.hello {
    requires dev.weft;
}
