package io.jworkers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.jworkers.api.Env;
import io.jworkers.api.Service;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * How the extension injects, seen from outside: scenario classes run on their own JUnit launcher,
 * and what they report is checked here. (Nested classes: Surefire does not pick them up itself.)
 */
class ParameterInjectionTest {

    private static final WorkerTestExtension GREETER = WorkerTestExtension.forConfig(FixtureWorkers.config("greeter", """
            { "name": "greeter", "vars": { "SALUTATION": "hi" } }
            """));

    static class UnknownWorkerName {
        @RegisterExtension
        static final WorkerTestExtension workers = GREETER;

        @Test
        void test(@Worker("auth") Service auth) {
        }
    }

    static class InjectedIntoBeforeAll {
        @RegisterExtension
        static final WorkerTestExtension workers = GREETER;

        @BeforeAll
        static void before(Env env) {
        }

        @Test
        void test() {
        }
    }

    static class SharedByBeforeEachAndTheTestMethod {
        @RegisterExtension
        static final WorkerTestExtension workers = GREETER;
        static Service seenBefore;

        @BeforeEach
        void before(Service self) {
            seenBefore = self;
        }

        @Test
        void test(Service self, TestHost host) {
            assertEquals(seenBefore, self, "one host per test: @BeforeEach and the test share it");
            assertEquals(host.self(), self);
            assertTrue(self.fetch("/").text().startsWith("hi from greeter"));
        }
    }

    private static TestExecutionSummary run(Class<?> scenario) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(scenario)).build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        return listener.getSummary();
    }

    private static List<String> failures(TestExecutionSummary summary) {
        return summary.getFailures().stream().map(failure -> failure.getException().getMessage()).toList();
    }

    @Test
    void anUnknownWorkerNameFailsTheTestListingTheLoadedWorkers() {
        assertEquals(List.of("The test's host has no worker \"auth\"; it has: greeter (add one with WorkerTestExtension.withWorker)"),
                failures(run(UnknownWorkerName.class)));
    }

    @Test
    void injectingIntoBeforeAllSaysWhereInjectionWorks() {
        List<String> failures = failures(run(InjectedIntoBeforeAll.class));
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.getFirst().startsWith("WorkerTestExtension loads fresh workers for each test, so Env parameters"
                + " can be injected into @Test, @BeforeEach and @AfterEach methods only"), failures.getFirst());
    }

    @Test
    void beforeEachAndTheTestShareTheTestsHost() {
        TestExecutionSummary summary = run(SharedByBeforeEachAndTheTestMethod.class);
        assertEquals(List.of(), failures(summary));
        assertEquals(1, summary.getTestsSucceededCount());
    }
}
