package io.jworkers.runtime.unload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Registers and deregisters the JDBC drivers of one worker version. A copy of this class is
 * defined in each worker's own loader ({@code WorkerClassLoader.helper}): {@link DriverManager}
 * lists and removes a driver only for code whose loader sees the driver's class, so these calls
 * must come from a class of that loader. Because of that the class uses nothing but the JDK.
 */
public final class WorkerJdbcDrivers {

    static final String SERVICE_FILE = "META-INF/services/java.sql.Driver";

    private WorkerJdbcDrivers() {
    }

    /**
     * Loads the drivers the loader's jars declare in {@code META-INF/services/java.sql.Driver}
     * (their class initialisers usually register them) and registers those that did not.
     *
     * @param loader the worker's loader
     * @return one line per driver that could not be loaded or registered: "class: reason"
     * @throws IOException if the service files cannot be read
     */
    public static List<String> register(ClassLoader loader) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String name : declared(loader)) {
            try {
                Class<?> type = Class.forName(name, true, loader);
                if (type.getClassLoader() != loader || !Driver.class.isAssignableFrom(type) || registered(type)) {
                    continue;
                }
                DriverManager.registerDriver((Driver) type.getConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError | SQLException | RuntimeException e) {
                problems.add(name + ": " + e);
            }
        }
        return problems;
    }

    /**
     * Deregisters every driver whose class the loader defined, whoever registered it.
     *
     * @param loader the worker's loader
     * @return the class names of the drivers deregistered
     */
    public static List<String> deregister(ClassLoader loader) {
        List<String> removed = new ArrayList<>();
        Enumeration<Driver> drivers = DriverManager.getDrivers();
        while (drivers.hasMoreElements()) {
            Driver driver = drivers.nextElement();
            if (driver.getClass().getClassLoader() != loader) {
                continue;
            }
            try {
                DriverManager.deregisterDriver(driver);
                removed.add(driver.getClass().getName());
            } catch (SQLException | RuntimeException e) {
                removed.add(driver.getClass().getName() + " (failed: " + e + ")");
            }
        }
        return removed;
    }

    private static boolean registered(Class<?> type) {
        Enumeration<Driver> drivers = DriverManager.getDrivers();
        while (drivers.hasMoreElements()) {
            if (drivers.nextElement().getClass() == type) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> declared(ClassLoader loader) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        Enumeration<URL> files = loader.getResources(SERVICE_FILE);
        while (files.hasMoreElements()) {
            URL file = files.nextElement();
            try (InputStream in = file.openStream();
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    int comment = line.indexOf('#');
                    String name = (comment >= 0 ? line.substring(0, comment) : line).trim();
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }
}
