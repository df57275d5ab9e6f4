/** The {@code net-async} command: netcat for the net.async protocol. */
package net.async.tcp.cli;
