namespace NativeConv.Interop.OneDnn;

public static partial class Omp
{
    // Before the first import binds, this assembly's resolver is in place (see OneDnnLibrary).
    static Omp() => OneDnnLibrary.Register();
}
