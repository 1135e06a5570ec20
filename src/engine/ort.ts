// The one place that names the ONNX Runtime package. In Node this is onnxruntime-node; a browser
// bundle aliases this module to onnxruntime-web, which has the same InferenceSession/Tensor API.
import './ort-telemetry.js';
export { InferenceSession, Tensor } from 'onnxruntime-node';
