package io.jworkers.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest's "uses": the RPC contract methods a worker's code calls, per binding. */
class RpcUsesProcessorTest {

    private static final String NOTE = RpcUseScanner.BLIND_NOTE;

    @TempDir
    Path output;

    private static final String AUTH_API = """
            package io.x.api;

            import java.util.List;

            public interface AuthApi extends Pingable {
                boolean check(String token);

                User user(String token, List<String> scopes);

                default boolean allowed(String token) {
                    return check(token);
                }

                @Override
                String toString();
            }
            """;

    private static final String PINGABLE = """
            package io.x.api;

            public interface Pingable {
                long ping();
            }
            """;

    private static final String USER = """
            package io.x.api;

            public record User(String id, int age) {
            }
            """;

    private static final String GATEWAY = """
            package io.x;

            import io.jworkers.api.Env;
            import io.jworkers.api.Request;
            import io.jworkers.api.Response;
            import io.jworkers.api.Service;
            import io.jworkers.api.WorkerEntrypoint;
            import io.x.api.AuthApi;
            import java.util.concurrent.CompletableFuture;

            public class Gateway extends WorkerEntrypoint {
                static final String BILLING = "BILL" + "ING";

                interface Audit {
                    void record(String event, int level);

                    CompletableFuture<String> lastAsync();
                }

                @Override
                public Response fetch(Request request, Env env) {
                    boolean ok = env.service("AUTH", AuthApi.class).check("t");
                    env.service(BILLING).rpc(io.x.api.Pingable.class).ping();
                    env().service("AUDIT", Audit.class).record("fetch", 1);
                    Service auth = env.service("AUTH");
                    auth.call("check", "t");
                    auth.call("ping");
                    env.service("AUTH").call("user", "t", java.util.List.of());
                    final String method = "refresh";
                    env.service("AUTH").call(method, new Object[] {"t", 2});
                    env.service("APP").fetch(request);
                    return Response.text(ok ? 200 : 403, "");
                }
            }
            """;

    @Test
    void typedAndDynamicCallsAreRecordedPerBindingWithEveryForwardedContractMethod() throws IOException {
        TestCompiler.Result result = TestCompiler.compileFully(output, List.of(), GATEWAY, AUTH_API, PINGABLE, USER);
        assertEquals(List.of(), result.reported(), result.compilerOutput());
        assertEquals(List.of(), result.notes());
        String uses = "\"uses\":["
                + "{\"binding\":\"AUDIT\",\"contracts\":[{\"class\":\"io.x.Gateway$Audit\",\"methods\":["
                + "{\"name\":\"lastAsync\",\"parameters\":[],\"returns\":\"java.util.concurrent.CompletableFuture<java.lang.String>\"},"
                + "{\"name\":\"record\",\"parameters\":[\"java.lang.String\",\"int\"],\"returns\":\"void\"}]}],\"calls\":[]},"
                + "{\"binding\":\"AUTH\",\"contracts\":[{\"class\":\"io.x.api.AuthApi\",\"methods\":["
                + "{\"name\":\"check\",\"parameters\":[\"java.lang.String\"],\"returns\":\"boolean\"},"
                + "{\"name\":\"ping\",\"parameters\":[],\"returns\":\"long\"},"
                + "{\"name\":\"user\",\"parameters\":[\"java.lang.String\",\"java.util.List<java.lang.String>\"],\"returns\":\"io.x.api.User\"}]}],"
                + "\"calls\":[{\"name\":\"check\",\"arity\":1},{\"name\":\"ping\",\"arity\":0},"
                + "{\"name\":\"refresh\",\"arity\":2},{\"name\":\"user\",\"arity\":2}]},"
                + "{\"binding\":\"BILLING\",\"contracts\":[{\"class\":\"io.x.api.Pingable\",\"methods\":["
                + "{\"name\":\"ping\",\"parameters\":[],\"returns\":\"long\"}]}],\"calls\":[]}"
                + "]}\n";
        assertEquals(Optional.of("{\"version\":1,\"entrypoints\":[{\"class\":\"io.x.Gateway\",\"name\":\"Gateway\",\"methods\":[]}],"
                + uses), result.manifest());
    }

    @Test
    void theManifestIsTheSameWhateverOrderTheSourcesComeIn(@TempDir Path again) throws IOException {
        TestCompiler.Result first = TestCompiler.compileFully(output, List.of(), GATEWAY, AUTH_API, PINGABLE, USER);
        TestCompiler.Result second = TestCompiler.compileFully(again, List.of(), USER, PINGABLE, AUTH_API, GATEWAY);
        assertEquals(first.manifest(), second.manifest());
    }

    @Test
    void callsTheCheckCannotSeeGetANoteAndNoRecord() throws IOException {
        TestCompiler.Result result = TestCompiler.compileFully(output, List.of(), """
                package io.x;

                import io.jworkers.api.Env;
                import io.jworkers.api.Request;
                import io.jworkers.api.Response;
                import io.jworkers.api.Service;
                import io.jworkers.api.WorkerEntrypoint;

                public class Router extends WorkerEntrypoint {
                    interface Api {
                        String hello(String name);
                    }

                    @Override
                    public Response fetch(Request request, Env env) {
                        String binding = request.headers().get("x-binding");
                        env.service(binding, Api.class).hello("a");
                        env.service(binding).call("hello", "a");
                        String method = request.url().getPath();
                        env.service("ROUTER").call(method, "a");
                        Class<Api> api = Api.class;
                        env.service("ROUTER").rpc(api).hello("b");
                        Object[] args = {"a"};
                        env.service("ROUTER").call("hello", args);
                        env.service(binding).fetch(request);
                        return Response.empty(204);
                    }
                }
                """);
        assertEquals(List.of(), result.reported(), result.compilerOutput());
        assertEquals(List.of(
                "17: " + NOTE + "the binding name is not a compile-time constant. Name the binding with a string literal "
                        + "or a static final String to have the call checked.",
                "18: " + NOTE + "the binding name is not a compile-time constant. Name the binding with a string literal "
                        + "or a static final String to have the call checked.",
                "20: " + NOTE + "the method name is not a compile-time constant. Name the method with a string literal "
                        + "or a static final String to have the call checked.",
                "22: " + NOTE + "the contract is not a class literal. Pass Api.class itself to have the call checked.",
                "24: " + NOTE + "its arguments are passed as an array whose length is not known here."), result.notes());
        assertEquals(Optional.of("{\"version\":1,\"entrypoints\":[{\"class\":\"io.x.Router\",\"name\":\"Router\",\"methods\":[]}],"
                + "\"uses\":[]}\n"), result.manifest());
    }
}
