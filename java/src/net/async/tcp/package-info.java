/** Reliable, message-oriented TCP with a clojure.core.async interface: the public API. */
package net.async.tcp;
