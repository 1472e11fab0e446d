package io.jworkers.runtime.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Public requests sent without pause to several hosts from a few client threads, counting every
 * answer that is not a 200 (and every connection failure) for a test to assert none.
 */
final class Load implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong ok = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    /** Starts {@code clients} threads, each cycling through the URLs. */
    static Load start(List<String> urls, int clients) {
        Load load = new Load();
        for (int i = 0; i < clients; i++) {
            int offset = i;
            Thread thread = Thread.ofPlatform().daemon().name("load-" + i).start(() -> load.run(urls, offset));
            load.threads.add(thread);
        }
        return load;
    }

    private void run(List<String> urls, int offset) {
        for (int n = offset; !stopped; n++) {
            String url = urls.get(n % urls.size());
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    ok.incrementAndGet();
                } else {
                    failures.add(url + " -> " + response.statusCode() + " " + response.body());
                }
            } catch (Exception e) {
                if (!stopped) {
                    failures.add(url + " -> " + e);
                }
            }
        }
    }

    long ok() {
        return ok.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            thread.join(15_000);
        }
    }
}
