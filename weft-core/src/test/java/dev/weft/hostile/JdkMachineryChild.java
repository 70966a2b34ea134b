package dev.weft.hostile;

import dev.weft.Go;
import dev.weft.Weft;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run in a fresh JVM by {@link JdkMachineryTest}: touches one piece of the JDK's lazily started
 * machinery for the first time from inside a goroutine, then checks that the runtime closes with
 * nothing left and that a plain virtual thread of the JVM does socket I/O promptly. Prints
 * {@code OK} and exits 0, or prints what failed and exits 1.
 */
public final class JdkMachineryChild {
    private JdkMachineryChild() {}

    public static void main(String[] args) throws Exception {
        String feature = args[0];
        Weft rt = Weft.builder().procs(2).name("child").build();
        rt.run(() -> {
            try {
                switch (feature) {
                    case "socket" -> echoOverTcp();
                    case "datagram" -> echoOverUdp();
                    case "http" -> httpRoundTrip();
                    case "files-and-timers" -> filesAndJdkTimers();
                    default -> throw new IllegalArgumentException("unknown feature " + feature);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        boolean closed = rt.close(Duration.ofSeconds(20));
        if (!closed || rt.goroutineCount() != 0) {
            fail("close did not finish: closed=" + closed + " goroutines=" + rt.goroutineCount() + "\n" + rt.dump());
        }
        // A virtual thread of the JVM, unrelated to weft, does socket I/O through the pollers,
        // wherever they were started.
        Thread vt = Thread.ofVirtual().start(() -> {
            try {
                echoOverTcp();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        if (!vt.join(Duration.ofSeconds(10))) {
            fail("a plain virtual thread's socket echo did not finish");
        }
        System.out.println("OK " + feature);
        System.exit(0);
    }

    private static void fail(String what) {
        System.out.println("FAIL " + what);
        System.exit(1);
    }

    static void echoOverTcp() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            // The echo side runs in a goroutine when we are one, else in a plain virtual thread.
            Runnable serve = () -> {
                try (Socket s = server.accept();
                     BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                             StandardCharsets.UTF_8));
                     PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    out.println(in.readLine());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            boolean inGoroutine = Go.current() != null;
            Thread server2 = inGoroutine ? null : Thread.ofVirtual().start(serve);
            if (inGoroutine) {
                Go.go(serve);
            }
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(),
                         StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(c.getOutputStream(), true, StandardCharsets.UTF_8)) {
                out.println("ping");
                if (!"ping".equals(in.readLine())) {
                    throw new IllegalStateException("echo lost");
                }
            }
            if (server2 != null) {
                server2.join();
            }
        }
    }

    private static void echoOverUdp() throws Exception {
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] msg = "ping".getBytes(StandardCharsets.UTF_8);
            a.send(new DatagramPacket(msg, msg.length, b.getLocalSocketAddress()));
            DatagramPacket got = new DatagramPacket(new byte[16], 16);
            b.setSoTimeout(10_000);
            b.receive(got);
            if (got.getLength() != msg.length) {
                throw new IllegalStateException("datagram lost");
            }
        }
    }

    private static void httpRoundTrip() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (!"pong".equals(r.body())) {
                throw new IllegalStateException("http body " + r.body());
            }
        } finally {
            server.stop(0);
        }
    }

    private static void filesAndJdkTimers() throws Exception {
        Path f = Files.createTempFile("weft-hostile", ".txt");
        try {
            Files.writeString(f, "x");
            if (!Files.readString(f).equals("x")) {
                throw new IllegalStateException("file content");
            }
            try (var ch = java.nio.channels.FileChannel.open(f)) {
                ch.read(java.nio.ByteBuffer.allocate(1));
            }
        } finally {
            Files.delete(f);
        }
        Thread.sleep(5); // the JDK's virtual-thread timer machinery
        CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS)).get();
    }
}
