package dev.weft.internal.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The generator of the class {@link GoroutineContainer} defines in {@code java.lang}, and the
 * check that the class file shipped in weft-core's resources is what it makes. After a change
 * to the generator, run this test with {@code -Dweft.regenerate=true} to rewrite the resource
 * (and change {@link GoroutineContainer#CLASS_NAME}'s suffix: the JVM may already hold the old
 * shape under the old name).
 */
class GoroutineContainerClassTest {

    /** The class file: see GoroutineContainer's class comment for what the class does. */
    static byte[] generate() {
        ClassDesc self = ClassDesc.of("java.lang", GoroutineContainer.CLASS_NAME);
        ClassDesc container = ClassDesc.of("jdk.internal.vm", "ThreadContainer");
        ClassDesc containers = ClassDesc.of("jdk.internal.vm", "ThreadContainers");
        ClassDesc supplier = ClassDesc.of("java.util.function", "Supplier");
        ClassDesc stream = ClassDesc.of("java.util.stream", "Stream");
        ClassDesc autoCloseable = ClassDesc.of("java.lang", "AutoCloseable");
        ClassDesc string = ConstantDescs.CD_String;
        ClassDesc object = ConstantDescs.CD_Object;
        return ClassFile.of().build(self, cb -> cb
                .withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER)
                .withSuperclass(container)
                .withInterfaceSymbols(autoCloseable)
                .withField("name", string, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL)
                .withField("threads", supplier, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL)
                .withField("key", object, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL)
                .withMethodBody(ConstantDescs.INIT_NAME, MethodTypeDesc.of(ConstantDescs.CD_void, string, supplier),
                        ClassFile.ACC_PUBLIC, code -> code
                                .aload(0).iconst_1()
                                .invokespecial(container, ConstantDescs.INIT_NAME,
                                        MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_boolean))
                                .aload(0).aload(1).putfield(self, "name", string)
                                .aload(0).aload(2).putfield(self, "threads", supplier)
                                // Registered last: a dump may call threads() from now on.
                                .aload(0).aload(0)
                                .invokestatic(containers, "registerContainer", MethodTypeDesc.of(object, container))
                                .putfield(self, "key", object)
                                .return_())
                .withMethodBody("name", MethodTypeDesc.of(string), ClassFile.ACC_PUBLIC, code -> code
                        .aload(0).getfield(self, "name", string).areturn())
                .withMethodBody("threads", MethodTypeDesc.of(stream), ClassFile.ACC_PUBLIC, code -> code
                        .aload(0).getfield(self, "threads", supplier)
                        .invokeinterface(supplier, "get", MethodTypeDesc.of(object))
                        .checkcast(stream).areturn())
                .withMethodBody("close", MethodTypeDesc.of(ConstantDescs.CD_void), ClassFile.ACC_PUBLIC, code -> code
                        .aload(0).getfield(self, "key", object)
                        .invokestatic(containers, "deregisterContainer", MethodTypeDesc.of(ConstantDescs.CD_void, object))
                        .return_()));
    }


    @Test
    void theShippedClassFileIsWhatTheGeneratorMakes() throws IOException {
        byte[] generated = generate();
        if (Boolean.getBoolean("weft.regenerate")) {
            Files.write(Path.of("src/main/resources/dev/weft/internal/vm", GoroutineContainer.CLASS_FILE), generated);
        }
        byte[] shipped;
        try (InputStream in = GoroutineContainer.class.getResourceAsStream(GoroutineContainer.CLASS_FILE)) {
            assertThat(in).as("resource " + GoroutineContainer.CLASS_FILE).isNotNull();
            shipped = in.readAllBytes();
        }
        assertThat(shipped).as("the shipped class file differs from the generator's output: "
                + "rerun this test with -Dweft.regenerate=true").isEqualTo(generated);
        assertThat(ClassFile.of().parse(shipped).thisClass().asInternalName())
                .isEqualTo("java/lang/" + GoroutineContainer.CLASS_NAME);
    }
}
