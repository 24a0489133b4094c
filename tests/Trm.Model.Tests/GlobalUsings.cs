global using Trm.Torch;
global using Trm.Training.Losses;
global using static Trm.Torch.Tensors;
global using static Trm.Torch.Engine;
global using Trm.Model.Configuration;
