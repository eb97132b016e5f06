namespace NativeConv.Interop.Xnnpack;

public static partial class Xnn
{
    // Before the first import binds, this assembly's resolver is in place (see XnnpackLibrary).
    static Xnn() => XnnpackLibrary.Register();
}
