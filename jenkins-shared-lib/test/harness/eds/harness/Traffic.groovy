package eds.harness

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/**
 * Real users for the canary: keep-alive HTTP requests from a few threads to a service's router, counted by the
 * `x-version` header that answered them. Canary analysis needs this traffic to measure error rates.
 */
class Traffic {

    private final URL url
    private final int threads
    private volatile boolean running
    private final List<Thread> workers = []
    private volatile Map<String, AtomicInteger> counts = new ConcurrentHashMap<String, AtomicInteger>()

    private final long pauseMillis

    /** `threads` users, each waiting `pauseMillis` between requests (4 x 10 ms: a few hundred requests a second). */
    Traffic(String url, int threads = 4, long pauseMillis = 10) {
        this.url = new URL(url)
        this.threads = threads
        this.pauseMillis = pauseMillis
    }

    Traffic start() {
        running = true
        threads.times { int index ->
            workers << Thread.startDaemon("traffic-${index}") {
                while (running) {
                    request()
                    Thread.sleep(pauseMillis)
                }
            }
        }
        return this
    }

    void stop() {
        running = false
        workers*.join(2000)
    }

    /** Answers by version (and `error` for failed connections) during the next `millis`. */
    Map<String, Integer> sample(long millis) {
        counts = new ConcurrentHashMap<String, AtomicInteger>()
        Thread.sleep(millis)
        Map<String, AtomicInteger> window = counts
        counts = new ConcurrentHashMap<String, AtomicInteger>()
        return window.collectEntries { key, value -> [(key): value.get()] } as Map<String, Integer>
    }

    private void request() {
        try {
            HttpURLConnection connection = (HttpURLConnection) url.openConnection()
            connection.connectTimeout = 1000
            connection.readTimeout = 5000
            int status = connection.responseCode
            InputStream body = status >= 400 ? connection.errorStream : connection.inputStream
            body?.bytes
            body?.close()
            String version = connection.getHeaderField('x-version') ?: 'none'
            counts.computeIfAbsent(version) { new AtomicInteger() }.incrementAndGet()
        } catch (IOException unreachable) {
            counts.computeIfAbsent('error') { new AtomicInteger() }.incrementAndGet()
            Thread.sleep(20)
        }
    }

}
