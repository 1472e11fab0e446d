package bench.caller;

/** The caller's contract for the calc worker (matched by name and arity). */
public interface Calc {
    int add(int a, int b);

    int sum(Point3 point);
}
