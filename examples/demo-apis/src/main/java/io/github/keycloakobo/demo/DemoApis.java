package io.github.keycloakobo.demo;

import java.util.Arrays;

/**
 * Entry point of {@code obo-demo-apis.jar}.
 *
 * <pre>
 *   java -jar obo-demo-apis.jar inventory-api   # the target API only
 *   java -jar obo-demo-apis.jar orders-api      # the source API only
 *   java -jar obo-demo-apis.jar all             # both in one JVM (default)
 *   java -jar obo-demo-apis.jar walkthrough     # the scripted eight-step walkthrough against running APIs
 * </pre>
 * Configuration: environment variables or system properties, see {@link DemoSettings}.
 */
public final class DemoApis {

    private DemoApis() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "all" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "inventory-api" -> InventoryApi.main(rest);
            case "orders-api" -> OrdersApi.main(rest);
            case "all" -> {
                DemoSettings settings = DemoSettings.fromEnvironment();
                InventoryApi inventory = InventoryApi.start(settings);
                OrdersApi orders = OrdersApi.start(settings);
                System.out.println("inventory-api listening on " + inventory.url());
                System.out.println("orders-api listening on " + orders.url());
                InventoryApi.awaitShutdown(orders, inventory);
            }
            case "walkthrough" -> System.exit(Walkthrough.run(DemoSettings.fromEnvironment(), System.out));
            default -> {
                System.err.println("usage: java -jar obo-demo-apis.jar [inventory-api|orders-api|all|walkthrough]");
                System.exit(2);
            }
        }
    }
}
