package io.jworkers.runtime.unload;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * MBeans a worker registered on the platform MBean server (Logback's JMX configurator, a pool's
 * statistics) and did not unregister.
 */
final class PlatformMBeans implements Leftover {

    @Override
    public String description() {
        return "MBeans";
    }

    @Override
    public List<String> removeFrom(ClassLoader loader) throws Exception {
        List<String> removed = new ArrayList<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : server.queryNames(null, null)) {
            try {
                if (server.getClassLoaderFor(name) == loader) {
                    String type = server.getObjectInstance(name).getClassName();
                    server.unregisterMBean(name);
                    removed.add("the MBean " + name + " (" + type + ")");
                }
            } catch (InstanceNotFoundException gone) {
                // Unregistered meanwhile: nothing left.
            }
        }
        return removed;
    }
}
