/// Clinical layer: lesions, validated scores, frozen model, assessment (being written).
public enum Clinical {}
