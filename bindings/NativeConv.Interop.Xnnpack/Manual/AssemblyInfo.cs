using System.Runtime.CompilerServices;

// Every generated signature is blittable: no marshalling stubs, nothing hidden on the call path.
[assembly: DisableRuntimeMarshalling]
