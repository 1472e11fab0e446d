package io.jworkers.runtime.unload;

import java.util.ArrayList;
import java.util.List;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * MBeans a worker registered on the platform MBean server (Logback's JMX configurator, a pool's
 * statistics) and did not unregister, on the platform MBean server or one the worker made.
 *
 * <p>Only servers that exist are searched ({@link MBeanServerFactory#findMBeanServer}, where the
 * platform server is listed once made): asking for the platform server would make it, which costs
 * about 100 ms of CPU and loads some 170 JMX and JFR classes, at every reload in dev and in the
 * training run of the AOT cache, whose classes every later start then loads.
 */
final class PlatformMBeans implements Leftover {

    @Override
    public String description() {
        return "MBeans";
    }

    @Override
    public List<String> removeFrom(ClassLoader loader) throws Exception {
        List<String> removed = new ArrayList<>();
        for (MBeanServer server : MBeanServerFactory.findMBeanServer(null)) {
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
        }
        return removed;
    }
}
