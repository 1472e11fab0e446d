package bench.caller;

/** The baseline: a plain implementation of the contract, in the caller's own loader. */
public final class LocalCalc implements Calc {

    @Override
    public int add(int a, int b) {
        return a + b;
    }

    @Override
    public int sum(Point3 point) {
        return point.x() + point.y() + point.z();
    }
}
