package io.jworkers.benchmarks;

import io.jworkers.runtime.dev.DevServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What {@code jworkers dev -c ... --port P} runs ({@link DevServer#start}: the same loading, the
 * same ingress), but with logging at WARNING, so without the access log line per request. Only
 * for the HTTP benchmark's row that shows what the access log costs; the CLI has no switch for it.
 *
 * <pre>java -cp benchmarks.jar io.jworkers.benchmarks.QuietDevHost PORT CONFIG...</pre>
 */
public final class QuietDevHost {

    // JUL holds loggers weakly: keep the reference so the level sticks.
    private static final Logger ROOT = Logger.getLogger("");

    private QuietDevHost() {
    }

    /**
     * Starts the host and prints "Ready on URL".
     *
     * @param args the port, then the configs (the first is the primary)
     * @throws InterruptedException never in practice: the host runs until the process is killed
     */
    public static void main(String[] args) throws InterruptedException {
        ROOT.setLevel(Level.WARNING);
        List<Path> configs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            configs.add(Path.of(args[i]));
        }
        DevServer server = DevServer.start(configs, null, "127.0.0.1", Integer.parseInt(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("Ready on " + server.url());
        new CountDownLatch(1).await();
    }
}
