package bench.chain;

/** This worker's contract for the next worker of the chain. */
public interface Hop {
    int add(int a, int b);
}
