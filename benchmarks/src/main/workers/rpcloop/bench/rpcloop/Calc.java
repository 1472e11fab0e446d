package bench.rpcloop;

/** The typed view of the calc worker (benchmarks/src/main/workers/calc). */
public interface Calc {

    int add(int a, int b);
}
