"""Tools that build, train and judge the product, never shipped with it: IFED training and evaluation, the
motion and fitting evaluations, the MediaPipe judge and its renderer (which may import bpy and the add-on).
The extension zip leaves this package out, as open_clip keeps ``open_clip_train`` apart from ``open_clip``."""
