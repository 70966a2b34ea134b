import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap addresses of the objects two lone yielders and their carriers write on every switch, to
 * see which of them share a 64-byte line, with the carriers' CPU per yield of the same runtime.
 * Needs --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/jdk.internal.vm=ALL-UNNAMED.
 */
public class AddrDump {
    static final sun.misc.Unsafe U;
    static {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            U = (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static long addr(Object o) {
        Object[] a = {o};
        return (U.getInt(a, (long) U.arrayBaseOffset(Object[].class)) & 0xFFFFFFFFL) << 3;
    }

    static Object field(Object o, Class<?> c, String name) throws Exception {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    record Obj(String name, long addr) {}

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        var mx = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < runs; r++) {
            try (Weft rt = Weft.builder().model(ThreadingModel.M_N).procs(2).name("ad").build()) {
                Goroutine[] gs = new Goroutine[2];
                Object[] wrappers = new Object[2];
                long[] el = new long[1];
                Thread runner = new Thread(() -> rt.run(() -> {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 2; i++) {
                        gs[i] = Go.go(() -> {
                            for (int k = 0; k < n; k++) {
                                Go.yield();
                            }
                        });
                        wrappers[i] = new Object[] {gs[i]}; // like the bench's task wrapper
                    }
                    gs[0].join();
                    gs[1].join();
                    el[0] = System.nanoTime() - t0;
                }));
                long c0 = cpu(mx);
                runner.start();
                Thread.sleep(150);
                List<Obj> objs = new ArrayList<>();
                Object sched = field(rt, Weft.class, "sched");
                Class<?> schedC = sched.getClass();
                Object[] allp = (Object[]) field(sched, schedC, "allp");
                for (int i = 0; i < allp.length; i++) {
                    Object p = allp[i];
                    objs.add(new Obj("P" + i, addr(p)));
                    objs.add(new Obj("P" + i + ".runq", addr(field(p, p.getClass(), "runq"))));
                    objs.add(new Obj("P" + i + ".switchReasons", addr(field(p, p.getClass(), "switchReasons"))));
                    Object m = field(p, p.getClass(), "m");
                    if (m != null) {
                        objs.add(new Obj("P" + i + ".m=" + ((Thread) m).getName(), addr(m)));
                    }
                }
                for (int i = 0; i < 2; i++) {
                    Object g = field(gs[i], Goroutine.class, "g");
                    objs.add(new Obj("G" + i, addr(g)));
                    Thread vt = (Thread) field(g, g.getClass(), "thread");
                    objs.add(new Obj("G" + i + ".vt", addr(vt)));
                    objs.add(new Obj("G" + i + ".vt.interruptLock", addr(field(vt, Thread.class, "interruptLock"))));
                    Object cont = field(vt, vt.getClass(), "cont");
                    objs.add(new Obj("G" + i + ".cont", addr(cont)));
                    Object tail = field(cont, Class.forName("jdk.internal.vm.Continuation"), "tail");
                    if (tail != null) {
                        objs.add(new Obj("G" + i + ".chunk", addr(tail)));
                    }
                    Thread carrier = (Thread) field(vt, vt.getClass(), "carrierThread");
                    objs.add(new Obj("G" + i + ".handle", addr(gs[i])));
                    objs.add(new Obj("G" + i + ".wrapper", addr(wrappers[i])));
                    if (carrier != null) {
                        System.out.println("  G" + i + " on " + carrier.getName());
                    }
                }
                objs.sort((a, b) -> Long.compare(a.addr, b.addr));
                long prev = -1;
                for (Obj o : objs) {
                    System.out.printf("  %-28s %x line %x%s%n", o.name, o.addr, o.addr >>> 6,
                            prev >= 0 && o.addr - prev < 128 ? "   <-- " + (o.addr - prev) + " B after the previous" : "");
                    prev = o.addr;
                }
                runner.join();
                long c = cpu(mx) - c0;
                System.out.printf("run %d: elapsed %.1f ns/yield, carriers %.1f CPU ns/yield, overlap %.2f%n", r,
                        (double) el[0] / (2.0 * n), (double) c / (2.0 * n), (double) c / el[0]);
            }
        }
    }

    static long cpu(java.lang.management.ThreadMXBean mx) {
        long s = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String nm = t.getName();
            if (nm.startsWith("ad-M") && !nm.contains("guard")) {
                s += mx.getThreadCpuTime(t.threadId());
            }
        }
        return s;
    }
}
