// Starting points for the brief's questions. The examples/ folder's experiments (served
// by /api/examples) are offered too; these work without it.
const cnn = (classes) => [
  { type: 'conv2d', filters: 8, kernel_size: 3, activation: 'relu' },
  { type: 'max_pool2d', pool_size: 2 },
  { type: 'conv2d', filters: 16, kernel_size: 3, activation: 'relu' },
  { type: 'max_pool2d', pool_size: 2 },
  { type: 'flatten' },
  { type: 'dense', units: 32, activation: 'relu' },
  { type: 'dense', units: classes },
];

export const presets = [
  {
    id: 'digits-1-3',
    title: 'Only 1s and 3s — then show it a 2',
    question: 'Which neurons fire for 1 and 3, and what happens with a 2?',
    config: {
      name: 'digits-1-3', seed: 7,
      data: { dataset: 'mnist-digits', classes: [1, 3], validation_split: 0.1 },
      model: { layers: cnn(2), loss: 'sparse_categorical_crossentropy' },
      train: { epochs: 3, batch_size: 64, optimizer: { type: 'adam', learning_rate: 0.001 } },
    },
  },
  {
    id: 'digits-1-3-dense',
    title: '1s and 3s with a small dense network',
    question: 'Neuron by neuron: which units carry "1" and which "3"?',
    config: {
      name: 'digits-1-3-dense', seed: 7,
      data: { dataset: 'mnist-digits', classes: [1, 3], validation_split: 0.1 },
      model: {
        layers: [{ type: 'flatten' }, { type: 'dense', units: 32, activation: 'relu' },
          { type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 2 }],
        loss: 'sparse_categorical_crossentropy',
      },
      train: { epochs: 3, batch_size: 64, optimizer: { type: 'adam', learning_rate: 0.001 } },
    },
  },
  {
    id: 'digits-all',
    title: 'All ten digits',
    question: 'Do classes leave signatures? From which layer on do they differ?',
    config: {
      name: 'digits-all', seed: 7,
      data: { dataset: 'mnist-digits', validation_split: 0.1 },
      model: { layers: cnn(10), loss: 'sparse_categorical_crossentropy' },
      train: { epochs: 3, batch_size: 64, optimizer: { type: 'adam', learning_rate: 0.001 } },
    },
  },
];
