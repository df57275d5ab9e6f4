/**
 * Micrometer meters for net.async ({@link net.async.tcp.micrometer.NetAsyncMetrics}). Needs
 * {@code io.micrometer:micrometer-core} on the classpath, which net.async does not bring: nothing
 * else in the library loads this package.
 */
package net.async.tcp.micrometer;
