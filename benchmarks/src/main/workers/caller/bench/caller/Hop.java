package bench.caller;

/** The caller's contract for the first worker of the chain. */
public interface Hop {
    int add(int a, int b);
}
