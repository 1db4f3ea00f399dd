"""Learning foreground-background segmentation from improved layered GANs: a literate PyTorch implementation

Modules:

- `layered_gan.ablations`: Every setting of the paper's Tables 1-3, run on the built-in dataset with the CPU preset; the results file the ablation chapters read; and an explorer of the shipped generators."""

__version__ = "0.0.1"
