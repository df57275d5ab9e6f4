/** The Netty core behind {@link net.async.tcp.Tcp}; not an API, may change in any release. */
package net.async.tcp.impl;
