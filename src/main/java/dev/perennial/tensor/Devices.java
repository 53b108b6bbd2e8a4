package dev.perennial.tensor;

import dev.perennial.UserError;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Where tensors live: the devices a run config names ({@code cpu}, {@code cuda}, {@code cuda:N}), checked against
 * this libtorch build and machine, and host-to-device copies of input batches.
 */
public final class Devices {

    private Devices() {
    }

    /**
     * The device {@code name} names for the worker of local rank {@code localRank} ({@code cuda} alone means
     * cuda:LOCAL_RANK, torchrun's convention), or an error naming {@code key} when this libtorch or this machine has
     * no such device.
     */
    public static Device open(String name, int localRank, String key) {
        if (name.equals("cpu")) {
            return new Device("cpu");
        }
        String indexed = name.equals("cuda") ? "cuda:" + localRank : name;
        int index = Integer.parseInt(indexed.substring("cuda:".length()));
        if (!torch.cuda_is_available()) {
            throw new UserError(key + ": " + name + " needs libtorch with CUDA and an NVIDIA GPU with its driver, and "
                    + "this process has neither (the default build bundles the CPU libtorch); build with "
                    + "'./mvnw -Pcuda package' on a machine with a GPU (README, \"GPU\"), or set " + key + ": cpu");
        }
        int count = torch.cuda_device_count();
        if (index >= count) {
            throw new UserError(key + ": " + indexed + (name.equals("cuda") ? " (cuda on local rank " + localRank + ")"
                    : "") + " does not exist: this machine has " + count + " CUDA device" + (count == 1 ? "" : "s")
                    + " (cuda:0 to cuda:" + (count - 1) + "); start at most " + count + " workers per node");
        }
        return new Device(indexed);
    }

    /**
     * {@code host} (a CPU tensor) on {@code device}: on a GPU through page-locked memory and an asynchronous copy
     * (PyTorch's pin_memory + non_blocking), which the device's stream orders before the kernels that read it.
     */
    public static Tensor transfer(Tensor host, Device device) {
        if (device.is_cpu()) {
            return host;
        }
        return host.pin_memory().to(device, host.scalar_type(), true, false, new MemoryFormatOptional());
    }
}
