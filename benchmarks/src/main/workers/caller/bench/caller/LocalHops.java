package bench.caller;

/**
 * The baseline of the 8-worker chain: 8 nested plain calls through the {@link Hop} interface, each
 * object of its own class, the last one returning a + b. Eight distinct classes, like the eight
 * chain workers (one class each, in eight loaders): with a single class the JIT's limit on inlining
 * a method into itself would make the baseline slower than eight direct calls need to be.
 */
public final class LocalHops {

    private LocalHops() {
    }

    /**
     * The head of the chain.
     *
     * @return hop 1, which calls hop 2, ..., hop 8 returns a + b
     */
    public static Hop chain() {
        return new H1(new H2(new H3(new H4(new H5(new H6(new H7(new H8())))))));
    }

    static final class H1 implements Hop {
        private final Hop next;
        H1(Hop next) { this.next = next; }
        @Override public int add(int a, int b) { return next.add(a, b); }
    }

    static final class H2 implements Hop {
        private final Hop next;
        H2(Hop next) { this.next = next; }
        @Override public int add(int a, int b) { return next.add(a, b); }
    }

    static final class H3 implements Hop {
        private final Hop next;
        H3(Hop next) { this.next = next; }
        @Override public int add(int a, int b) { return next.add(a, b); }
    }

    static final class H4 implements Hop {
        private final Hop next;
        H4(Hop next) { this.next = next; }
        @Override public int add(int a, int b) { return next.add(a, b); }
    }

    static final class H5 implements Hop {
        private final Hop next;
        H5(Hop next) { this.next = next; }
        @Override public int add(int a, int b) { return next.add(a, b); }
    }

    static final class H6 implements Hop {
        private final Hop next;
        H6(Hop next) { this.next = next; }
        @Override public int add(int a, int b) { return next.add(a, b); }
    }

    static final class H7 implements Hop {
        private final Hop next;
        H7(Hop next) { this.next = next; }
        @Override public int add(int a, int b) { return next.add(a, b); }
    }

    static final class H8 implements Hop {
        @Override public int add(int a, int b) { return a + b; }
    }
}
