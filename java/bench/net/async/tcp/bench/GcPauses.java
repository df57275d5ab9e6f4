/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The stop-the-world collections between {@link #start} and {@link #close}: count, total and
 * longest pause, from the JVM's GC notifications (millisecond resolution). Concurrent cycles
 * ("G1 Concurrent GC", ZGC's and Shenandoah's cycles) are not pauses and are left out.
 *
 * <h3>Threading</h3>
 * Notifications arrive on a JMX thread; the counts are read after {@link #close}.
 */
final class GcPauses implements AutoCloseable, NotificationListener {
    record Summary(int count, long totalMillis, long maxMillis, String collectors) {
        @Override
        public String toString() {
            return String.format("%d GC pauses, %d ms in all, longest %d ms (%s)", count, totalMillis, maxMillis,
                    collectors);
        }
    }

    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final List<String> collectors = new ArrayList<>();
    private final List<GarbageCollectorMXBean> beans = new ArrayList<>();
    private final long countAtStart;
    private int count;
    private long totalMillis;
    private long maxMillis;

    private GcPauses() {
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof NotificationEmitter emitter && !isConcurrent(bean.getName())) {
                emitter.addNotificationListener(this, null, null);
                emitters.add(emitter);
                collectors.add(bean.getName());
                beans.add(bean);
            }
        }
        countAtStart = collections();
    }

    private long collections() {
        long n = 0;
        for (GarbageCollectorMXBean bean : beans) {
            n += bean.getCollectionCount();
        }
        return n;
    }

    static GcPauses start() {
        return new GcPauses();
    }

    private static boolean isConcurrent(String name) {
        return name.contains("Concurrent") || name.contains("Cycles");
    }

    @Override
    public synchronized void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        if (isConcurrent(info.getGcName())) {
            return;
        }
        long millis = info.getGcInfo().getDuration();
        count++;
        totalMillis += millis;
        maxMillis = Math.max(maxMillis, millis);
        notifyAll();
    }

    /** Waits (at most 1 s) for the notifications of the collections done so far, then stops listening. */
    @Override
    public void close() {
        long expected = collections() - countAtStart;
        long deadline = System.nanoTime() + 1_000_000_000L;
        synchronized (this) {
            for (long left; count < expected && (left = deadline - System.nanoTime()) > 0; ) {
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(this);
            } catch (ListenerNotFoundException ignored) {
                // never added
            }
        }
    }

    /** The pauses seen so far; after {@link #close}, all of them. */
    synchronized Summary summary() {
        return new Summary(count, totalMillis, maxMillis, String.join(", ", collectors));
    }
}
