namespace NativeConv.Interop.OneDnn;

public static partial class Dnnl
{
    // Before the first import binds, this assembly's resolver is in place (see OneDnnLibrary).
    static Dnnl() => OneDnnLibrary.Register();
}
