/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import java.util.Arrays;

/**
 * {@code net-async}: netcat for the net.async protocol.
 *
 * <pre>
 * net-async listen [HOST:]PORT|unix:PATH [--echo] [--session] [--stats]
 * net-async connect HOST:PORT|unix:PATH [--session] [--stats]
 * </pre>
 *
 * Bad arguments print one line and exit with 2, never a stack trace.
 *
 * <h2>Threading</h2>
 * The main thread; see each command.
 */
public final class NetAsyncCommand {
    static final String USAGE = """
            usage: net-async COMMAND [ARGS]
              listen [HOST:]PORT [--echo]   accept connections, print what arrives (also unix:PATH)
              connect HOST:PORT             send stdin lines as messages, print what arrives (also unix:PATH)
              bench                         run the benchmark suite (from a source checkout)
            net-async COMMAND --help shows a command's options.""";

    private NetAsyncCommand() {
    }

    /**
     * Runs a command and exits: 0 on success, 1 on failure, 2 on bad arguments.
     *
     * @param args the command and its arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0 || isHelp(args[0])) {
            System.out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Printer printer = new Printer(System.out);
        try {
            return switch (args[0]) {
                case "listen" -> help(rest, ListenCommand.USAGE) ? 0 : ListenCommand.run(rest, printer);
                case "connect" -> help(rest, ConnectCommand.USAGE) ? 0 : ConnectCommand.run(rest, printer);
                default -> throw new UsageException("unknown command '" + args[0] + "'\n" + USAGE);
            };
        } catch (UsageException e) {
            System.err.println("net-async: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("net-async: " + e);
            return 1;
        }
    }

    private static boolean help(String[] args, String usage) {
        if (Arrays.stream(args).anyMatch(NetAsyncCommand::isHelp)) {
            System.out.println(usage);
            return true;
        }
        return false;
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }
}
