/// Appliance layer: watcher, journal, status file, LEDs, self-test (being written).
public enum Appliance {}
