import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.object.Device;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.ResourceModel.Operations;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientProtocolProvider;

/**
 * A test device built on Eclipse Leshan's LwM2M client library (not on Fieldmesh code): it registers with
 * the server given as argument and exposes IPSO sensor objects whose Sensor Value the test sets on stdin.
 *
 * Usage: LeshanDevice coap://127.0.0.1:5683 <endpoint> <lifetime s> <object id>...
 * stdin:  "set <object id> <instance> <value>" changes a Sensor Value (observers are notified),
 *         "deregister" deregisters and exits.
 * stdout: "registered <registration id>" after each successful registration, "deregistered".
 */
public class LeshanDevice {
    /** Sensor Value and Sensor Units, as the IPSO sensor objects define them. */
    static ObjectModel sensorModel(int id, String name) {
        return new ObjectModel(id, name, name + " sensor (IPSO)", "1.0", true, false,
                new ResourceModel(5700, "Sensor Value", Operations.R, false, true, Type.FLOAT, null, null, "Last measured value"),
                new ResourceModel(5701, "Sensor Units", Operations.R, false, false, Type.STRING, null, null, "Measurement units"));
    }

    public static class Sensor extends BaseInstanceEnabler {
        private final String units;
        private double value;

        /** Leshan creates further instances of a multi-instance object through a public no-argument constructor. */
        public Sensor() {
            this(0, "", 0.0);
        }

        Sensor(int instance, String units, double value) {
            super(instance);
            this.units = units;
            this.value = value;
        }

        @Override
        public synchronized ReadResponse read(LwM2mServer server, int resourceId) {
            if (resourceId == 5700) return ReadResponse.success(resourceId, value);
            if (resourceId == 5701) return ReadResponse.success(resourceId, units);
            return super.read(server, resourceId);
        }

        void set(double next) {
            synchronized (this) {
                value = next;
            }
            fireResourceChange(5700);
        }
    }

    public static void main(String[] args) throws Exception {
        String serverUri = args[0];
        String endpoint = args[1];
        long lifetime = Long.parseLong(args[2]);
        Map<Integer, String> names = Map.of(3303, "Temperature", 3304, "Humidity", 3316, "Voltage", 3317, "Current", 3328, "Power");
        Map<Integer, String> units = Map.of(3303, "Cel", 3304, "%RH", 3316, "V", 3317, "A", 3328, "W");

        List<ObjectModel> models = new ArrayList<>(ObjectLoader.loadDefault());
        Map<String, Sensor> sensors = new HashMap<>();
        List<Integer> objectIds = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            int objectId = Integer.parseInt(args[i]);
            objectIds.add(objectId);
            models.add(sensorModel(objectId, names.get(objectId)));
        }
        ObjectsInitializer initializer = new ObjectsInitializer(new StaticModel(models));
        initializer.setInstancesForObject(LwM2mId.SECURITY, Security.noSec(serverUri, 123));
        initializer.setInstancesForObject(LwM2mId.SERVER, new Server(123, lifetime));
        initializer.setInstancesForObject(LwM2mId.DEVICE, new Device("Eclipse Leshan", "fieldmesh-test-device", "0001"));
        for (int objectId : objectIds) {
            Sensor sensor = new Sensor(0, units.get(objectId), 0.0);
            sensors.put(objectId + "/0", sensor);
            initializer.setInstancesForObject(objectId, sensor);
        }

        CaliforniumClientEndpointsProvider endpoints = new CaliforniumClientEndpointsProvider.Builder(new CoapClientProtocolProvider()).build();
        LeshanClient client = new LeshanClientBuilder(endpoint).setObjects(initializer.createAll()).setEndpointsProviders(endpoints).build();
        client.addObserver(new LwM2mClientObserverAdapter() {
            @Override
            public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationId) {
                System.out.println("registered " + registrationId);
                System.out.flush();
            }
        });
        client.start();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null;) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equals("set")) {
                Sensor sensor = sensors.get(words[1] + "/" + words[2]);
                if (sensor == null) {
                    System.out.println("unknown " + words[1] + "/" + words[2]);
                } else {
                    sensor.set(Double.parseDouble(words[3]));
                }
            } else if (words[0].equals("deregister")) {
                client.destroy(true);
                System.out.println("deregistered");
                System.out.flush();
                System.exit(0);
            }
        }
        // stdin closed: the test went away; leave without deregistering, as a device that lost power.
        System.exit(0);
    }
}
